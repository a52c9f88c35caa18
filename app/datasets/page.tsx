import { DatasetsView } from "@/components/datasets/datasets-view";

export const metadata = { title: "Datasets · CaT Curator" };

export default function DatasetsPage() {
  return <DatasetsView />;
}
