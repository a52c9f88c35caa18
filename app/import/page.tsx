import { ImportForm } from "@/components/import-form";

export const metadata = { title: "Import · CaT Curator" };

export default function ImportPage() {
  return <ImportForm />;
}
