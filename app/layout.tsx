import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/layout/site-header";
import { SystemBanner } from "@/components/layout/system-banner";
import "./globals.css";

export const metadata: Metadata = { title: "CaT Curator", description: "Curate Code-as-Task agent tasks" };

// Applied before first paint so a dark-mode user never sees a white flash.
const themeScript = `try{var t=localStorage.getItem("cat-theme");if(t==="dark"||(!t&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of this file, no user data */}
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen text-sm">
        <Providers>
          <SiteHeader />
          <SystemBanner />
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
