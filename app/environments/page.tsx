import { EnvironmentsView } from "@/components/environments/environments-view";

export const metadata = { title: "Environments · CaT Curator" };

export default function EnvironmentsPage() {
  return <EnvironmentsView />;
}
