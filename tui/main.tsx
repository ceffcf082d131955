export async function runConsole(_o: { url: string; readOnly: boolean }): Promise<number> { return 0; }
