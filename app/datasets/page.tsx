import { DatasetsView } from "@/components/datasets-view";

export const metadata = { title: "Datasets · CaT Curator" };

export default function DatasetsPage() {
  return <DatasetsView />;
}
