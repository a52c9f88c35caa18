import { SetupForm } from "@/components/auth/setup-form";

export const metadata = { title: "Create the administrator · CaT Curator" };

export default function SetupPage() {
  return <SetupForm />;
}
