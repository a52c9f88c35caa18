import { ReviewQueueView } from "@/components/auth/review-queue-view";

export const metadata = { title: "My review queue · CaT Curator" };

export default function QueuePage() {
  return <ReviewQueueView />;
}
