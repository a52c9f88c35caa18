import { ImportForm } from "@/components/import/import-form";

export const metadata = { title: "Import · CaT Curator" };

export default function ImportPage() {
  return <ImportForm />;
}
