"use client";

import type { VisibilityState } from "@tanstack/react-table";
import { useCallback, useMemo, useSyncExternalStore } from "react";

const CHANGED = "switchyard:columns";
const storageKey = (table: string) => `switchyard.columns.${table}`;

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

function parse(stored: string): VisibilityState {
  try {
    const value: unknown = JSON.parse(stored);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, shown]) => typeof shown === "boolean"));
  } catch {
    return {};
  }
}

/**
 * Which columns of one table the user hid, kept in this browser's localStorage so the choice
 * survives reloads. The server render shows every column; the stored choice applies on hydration.
 */
export function useColumnVisibility(table: string) {
  const key = storageKey(table);
  const stored = useSyncExternalStore(
    subscribe,
    () => window.localStorage.getItem(key) ?? "{}",
    () => "{}",
  );
  const visibility = useMemo(() => parse(stored), [stored]);
  const setVisibility = useCallback(
    (update: VisibilityState | ((current: VisibilityState) => VisibilityState)) => {
      const next =
        typeof update === "function" ? update(parse(window.localStorage.getItem(key) ?? "{}")) : update;
      window.localStorage.setItem(key, JSON.stringify(next));
      window.dispatchEvent(new Event(CHANGED));
    },
    [key],
  );
  return [visibility, setVisibility] as const;
}
