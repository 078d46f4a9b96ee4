/**
 * The version this build calls itself (`pinpoint --version`, the app, `serve`'s hello). It is a constant, not a
 * read of package.json at run time, because the CLI bundle and the renderer carry no package.json; a unit test
 * holds it equal to package.json's.
 */
export const APP_VERSION = '0.1.0'
