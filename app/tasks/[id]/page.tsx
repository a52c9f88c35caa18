import { notFound } from "next/navigation";
import { TaskView } from "@/components/task-view";

export default async function TaskPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ from?: string }> }) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const { from } = await searchParams;
  return <TaskView id={id} backQuery={from ?? ""} />;
}
