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
  /** The direction of the default sort, and of a first click on a column (newest first for logs). */
  defaultDirection?: "asc" | "desc";
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();

  const sortParam = params.get("sort") as SortKey | null;
  const sort = sortParam && options.sortKeys.includes(sortParam) ? sortParam : options.defaultSort;
  const defaultDirection = options.defaultDirection ?? "asc";
  const dir = params.get("dir");
  const direction: "asc" | "desc" = dir === "asc" || dir === "desc" ? dir : defaultDirection;
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
    defaultDirection,
    /** Sorting is written whole (key and direction): a shared URL reads the same to everyone. */
    setSort: (key: SortKey, value: "asc" | "desc") => setParams({ sort: key, dir: value, page: null }),
    /** True while a search or a filter narrows the rows (an empty table then says how to widen it). */
    isFiltered: Boolean(search) || Object.values(filters).some(Boolean),
    /** Paging, sort and search as every list procedure takes them. */
    listInput: { page, sort, direction, search: search || undefined },
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

/** A URL value if it is one of the allowed values; anything else reads as "no filter". */
export const pick = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.includes(value as T) ? (value as T) : undefined;
