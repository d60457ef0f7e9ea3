/** The package format version this library writes, and the newest it reads. */
export const MLPKG_FORMAT_VERSION = 1;
