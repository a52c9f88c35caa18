import { StatisticsPage } from "@/components/statistics/statistics-page";

export const metadata = { title: "Statistics · CaT Curator" };

export default function StatsPage() {
  return <StatisticsPage />;
}
