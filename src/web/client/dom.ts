/// <reference lib="dom" />

/**
 * The only way the page creates elements. Text always becomes a text node and attributes go
 * through setAttribute, so a string from an event (an error's cause, an alarm name) can never
 * turn into markup; event-handler attributes and script URLs are refused outright, whatever the
 * caller passes. There is no innerHTML anywhere in the client.
 */

export type Child = Node | string | number | null | undefined | false;
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Relative paths, fragments and https (the AWS console) only. */
const SAFE_URL = /^(?:\/(?!\/)|#|https:\/\/)/;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`refusing event-handler attribute ${name}`);
    const text = value === true ? '' : String(value);
    if ((name === 'href' || name === 'src' || name === 'xlink:href') && !SAFE_URL.test(text)) {
      throw new Error(`refusing URL ${text.slice(0, 40)}`);
    }
    element.setAttribute(name, text);
  }
}

export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no #${id}`);
  return element;
}
