"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";

/**
 * Table state (page, sort, direction, search, filters) kept in the URL so a view can be
 * shared and survives reloads. Unknown values fall back to the defaults.
 */
export function useTableParams<const SortKey extends string, const FilterKey extends string>(options: {
  sortKeys: readonly SortKey[];
  defaultSort: SortKey;
  filters?: readonly FilterKey[];
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();

  const sortParam = params.get("sort") as SortKey | null;
  const sort = sortParam && options.sortKeys.includes(sortParam) ? sortParam : options.defaultSort;
  const direction: "asc" | "desc" = params.get("dir") === "desc" ? "desc" : "asc";
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const search = params.get("q") ?? "";
  const filters = Object.fromEntries(
    (options.filters ?? []).map((key) => [key, params.get(key) ?? undefined]),
  ) as Record<FilterKey, string | undefined>;

  const setParams = useCallback(
    (changes: Record<string, string | null | undefined>) => {
      const next = new URLSearchParams(params);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === undefined || value === "") next.delete(key);
        else next.set(key, value);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );

  return {
    page,
    sort,
    direction,
    search,
    filters,
    setParams,
    setPage: (value: number) => setParams({ page: value <= 1 ? null : String(value) }),
    setFilter: (key: FilterKey, value: string | undefined) => setParams({ [key]: value ?? null, page: null }),
    toggleSort: (key: SortKey) =>
      setParams({ sort: key, dir: sort === key && direction === "asc" ? "desc" : "asc", page: null }),
    /** The URL query of this view, for the CSV export of the same rows. */
    queryString: params.toString(),
  };
}

/** A search box that writes to the URL a moment after typing stops. */
export function useDebouncedSearch(
  search: string,
  setParams: (changes: Record<string, string | null>) => void,
) {
  const [draft, setDraft] = useState(search);
  useEffect(() => {
    if (draft === search) return;
    const timer = setTimeout(() => setParams({ q: draft, page: null }), 250);
    return () => clearTimeout(timer);
  }, [draft, search, setParams]);
  return [draft, setDraft] as const;
}
