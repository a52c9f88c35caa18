import { FunnelView } from "@/components/funnel-view";

export const metadata = { title: "Funnel · CaT Curator" };

export default function StatsPage() {
  return <FunnelView />;
}
