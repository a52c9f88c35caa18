import { notFound } from "next/navigation";
import { TaskWorkspace } from "@/components/task-workspace/task-workspace";

/** /tasks/ID: one task by its internal id (/tasks/ENVIRONMENT/EXTERNAL-ID resolves to this). */
export default async function TaskPage({
  params,
  searchParams,
}: {
  params: Promise<{ ref: string }>;
  searchParams: Promise<{ from?: string; queue?: string }>;
}) {
  const id = Number((await params).ref);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const { from, queue } = await searchParams;
  return <TaskWorkspace key={id} id={id} backQuery={from ?? ""} queue={queue === "1"} />;
}
