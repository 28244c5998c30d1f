/** Every example exports a `main` that prints what happens through `print` and resolves when done. */
export type ExampleMain = (print: (line: string) => void) => Promise<void>;
