import { ReviewingView } from "@/components/auth/reviewing-view";

export const metadata = { title: "Reviewing · CaT Curator" };

export default function ReviewingPage() {
  return <ReviewingView />;
}
