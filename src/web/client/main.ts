/// <reference lib="dom" />
import { byId, replaceChildren } from './dom.ts';
import { showIncident } from './incident-view.ts';
import { showList } from './list-view.ts';
import { errorMessage } from './widgets.ts';

/**
 * The page's entry point. The server sends the same shell for `/` and `/incidents/<id>`; the
 * path picks the view. Navigation between views is ordinary links (history, new tabs and
 * bookmarks work as everywhere).
 */

const INCIDENT_PATH = /^\/incidents\/([^/]+)$/;

async function start(): Promise<void> {
  const main = byId('main', HTMLElement);
  const incident = INCIDENT_PATH.exec(location.pathname)?.[1];
  try {
    if (incident === undefined) await showList(main);
    else await showIncident(main, decodeURIComponent(incident));
  } catch (error) {
    // The views show their own errors; this catches what happened before they could.
    if (main.querySelector('[role="alert"]') === null) {
      replaceChildren(
        main,
        errorMessage(`The page failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}

void start();
