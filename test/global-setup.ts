/**
 * Runs once before the suite. Placeholder: the manifest generator will generate the sample
 * set's manifests here once it exists, so tests never depend on a stale build.
 */
export default async function setup(): Promise<void> {}
