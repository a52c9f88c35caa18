import { Suspense } from "react";
import { DatasetPage } from "@/components/datasets/dataset-page";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `${decodeURIComponent((await params).name)} · Datasets · CaT Curator` };
}

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  return (
    <Suspense fallback={<p className="p-4 text-zinc-500">Loading…</p>}>
      <DatasetPage name={name} />
    </Suspense>
  );
}
