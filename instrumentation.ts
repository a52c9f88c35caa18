// Runs once when the Next server starts: the database (embedded or DATABASE_URL) comes up and is
// migrated before the first request, and the demo is loaded into an empty database.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServer } = await import("./server/boot");
  await bootServer();
}
