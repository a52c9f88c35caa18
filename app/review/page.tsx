import { Suspense } from "react";
import { ReviewQueueStart } from "@/components/review/review-queue";

export const metadata = { title: "Review queue · CaT Curator" };

export default function ReviewPage() {
  return (
    <Suspense fallback={<p className="p-4 text-zinc-500">Loading…</p>}>
      <ReviewQueueStart />
    </Suspense>
  );
}
