/** Where the local stack keeps its data, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.data';
