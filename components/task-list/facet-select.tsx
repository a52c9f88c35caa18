"use client";
import { humanize } from "../format";
import { Select } from "../ui/field";

/**
 * One facet: "all" or a value, each with how many tasks it would show (when the server counts it;
 * "about" when it counted on a sample).
 */
export function FacetSelect({
  label,
  value,
  options,
  counts,
  approximate = false,
  labels,
  onChange,
}: {
  label: string;
  value?: string;
  options: readonly string[];
  counts?: Record<string, number>;
  approximate?: boolean;
  /** How each value reads, where it is not the value humanized. */
  labels?: Readonly<Record<string, string>>;
  onChange: (v: string | undefined) => void;
}) {
  const shown = [...new Set([...options, ...Object.keys(counts ?? {}), ...(value ? [value] : [])])];
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the Select inside is the control
    <label className="flex items-center gap-1.5 text-xs text-zinc-500">
      {label}
      <Select
        aria-label={label}
        className="max-w-40"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">all</option>
        {shown.map((o) => (
          <option key={o} value={o}>
            {labels?.[o] ?? humanize(o)}
            {counts ? ` (${approximate ? "about " : ""}${(counts[o] ?? 0).toLocaleString()})` : ""}
          </option>
        ))}
      </Select>
    </label>
  );
}
