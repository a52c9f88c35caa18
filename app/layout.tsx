import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { ThemeToggle } from "@/components/theme-toggle";
import "./globals.css";

export const metadata: Metadata = { title: "CaT Curator", description: "Curate Code-as-Task agent tasks" };

// Applied before first paint so a dark-mode user never sees a white flash.
const themeScript = `try{var t=localStorage.getItem("cat-theme");if(t==="dark"||(!t&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen text-sm">
        <Providers>
          <header className="sticky top-0 z-20 flex h-11 items-center gap-4 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
            <Link href="/tasks" className="font-semibold tracking-tight">
              <span className="text-sky-600 dark:text-sky-400">CaT</span> Curator
            </Link>
            <nav className="flex gap-1 text-zinc-600 dark:text-zinc-400" aria-label="Main">
              <Link href="/tasks" className="rounded px-2 py-1 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">Tasks</Link>
              <Link href="/datasets" className="rounded px-2 py-1 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">Datasets</Link>
              <Link href="/stats" className="rounded px-2 py-1 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">Statistics</Link>
              <Link href="/environments" className="rounded px-2 py-1 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">Environments</Link>
              <Link href="/import" className="rounded px-2 py-1 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">Import</Link>
              <a href="/api/export" className="rounded px-2 py-1 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">Export all</a>
            </nav>
            <div className="ml-auto">
              <ThemeToggle />
            </div>
          </header>
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
