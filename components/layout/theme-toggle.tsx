"use client";
import { Button } from "../ui/button";
import { useDark } from "../ui/use-dark";

export function ThemeToggle() {
  const dark = useDark();
  const toggle = () => {
    const next = !dark;
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem("cat-theme", next ? "dark" : "light");
  };
  return (
    <Button
      variant="ghost"
      size="sm"
      className="text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100"
      onClick={toggle}
      aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}
      title="Toggle theme"
    >
      {dark ? "☀ Light" : "☾ Dark"}
    </Button>
  );
}
