"use client";

import type { Table } from "@tanstack/react-table";
import { Columns3 } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";

/** The "Columns" button: a disclosure with one checkbox per column that can be hidden. */
export function ColumnsMenu<Row>({ table, label }: { table: Table<Row>; label: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const hideable = table.getAllLeafColumns().filter((column) => column.getCanHide());

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", closeOutside);
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("pointerdown", closeOutside);
      document.removeEventListener("keydown", closeOnEscape);
    };
  }, [open]);

  if (hideable.length === 0) return null;
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((value) => !value)}
        className="inline-flex items-center gap-1.5 rounded-md border border-border bg-surface px-2.5 py-1.5 text-sm hover:bg-foreground/5"
      >
        <Columns3 className="size-3.5" aria-hidden />
        Columns<span className="sr-only"> of {label}</span>
      </button>
      {open ? (
        <fieldset
          id={id}
          className="absolute right-0 z-20 mt-1 w-56 rounded-md border border-border bg-surface p-2 shadow-lg"
        >
          <legend className="sr-only">Columns shown in {label}</legend>
          <ul className="flex flex-col gap-1">
            {hideable.map((column) => (
              <li key={column.id}>
                <label className="flex items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-foreground/5">
                  <input
                    type="checkbox"
                    checked={column.getIsVisible()}
                    onChange={column.getToggleVisibilityHandler()}
                  />
                  {typeof column.columnDef.header === "string" ? column.columnDef.header : column.id}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
    </div>
  );
}
