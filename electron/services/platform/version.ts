import packageJson from '../../../package.json' with { type: 'json' };

/** The app's version, from package.json: the same for the app, the devhost and the CLI. */
export const appVersion: string = packageJson.version;
export const productName: string = packageJson.productName;
