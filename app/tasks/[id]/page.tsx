import { notFound } from "next/navigation";
import { TaskWorkspace } from "@/components/task-workspace/task-workspace";

export default async function TaskPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ from?: string; queue?: string }>;
}) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const { from, queue } = await searchParams;
  return <TaskWorkspace key={id} id={id} backQuery={from ?? ""} queue={queue === "1"} />;
}
