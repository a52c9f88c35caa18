import { Suspense } from "react";
import { TaskList } from "@/components/task-list/task-list";

export const metadata = { title: "Tasks · CaT Curator" };

export default function TasksPage() {
  return (
    <Suspense fallback={<p className="p-4 text-zinc-500">Loading…</p>}>
      <TaskList />
    </Suspense>
  );
}
