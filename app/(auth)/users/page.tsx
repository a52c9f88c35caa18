import { UsersView } from "@/components/auth/users-view";

export const metadata = { title: "Users · CaT Curator" };

export default function UsersPage() {
  return <UsersView />;
}
