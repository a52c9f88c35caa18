import { TokensView } from "@/components/auth/tokens-view";

export const metadata = { title: "API tokens · CaT Curator" };

export default function AccountPage() {
  return <TokensView />;
}
