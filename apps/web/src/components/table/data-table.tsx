"use client";

import type { TSavedViewTable } from "@switchyard/api/schemas";
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type Header,
  type RowData,
  type SortingState,
  type Row as TableRow,
  type Updater,
  useReactTable,
} from "@tanstack/react-table";
import type { LucideIcon } from "lucide-react";
import { ArrowDown, ArrowUp } from "lucide-react";
import type { ReactNode } from "react";
import { EmptyState } from "~/components/empty-state";
import { useColumnVisibility } from "./column-visibility";
import { ColumnsMenu } from "./columns-menu";
import { SavedViews } from "./saved-views";
import { ErrorNote, ExportCsvLink, Pagination, SearchBox, SkeletonRows } from "./table-parts";
import { useDebouncedSearch } from "./use-table-params";

/** One column, declared once: its header, how a row shows in it, and how it behaves. */
export type TColumn<Row> = {
  /** Names the column in the stored visibility; stays stable when the header is reworded. */
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** Shown in the header cell instead of the header text (a select-all box); `header` stays its label. */
  headerCell?: ReactNode;
  /** The server's sort key: the header becomes a sort button. */
  sortKey?: string;
  /** "number": right-aligned tabular figures with room between neighbouring columns. */
  align?: "number";
  /** Whether the Columns menu may hide it; the column that names the row never should. */
  hideable?: boolean;
  className?: string;
  testId?: string;
  /** Its cell is a button that unfolds the row's `detail` below it. */
  unfolds?: boolean;
};

/** The last column of a row's actions: no visible header, right-aligned on wide screens. */
export function actionsColumn<Row>(cell: (row: Row) => ReactNode): TColumn<Row> {
  return {
    id: "actions",
    header: "Actions",
    headerCell: <span className="sr-only">Actions</span>,
    className: "md:text-right md:whitespace-nowrap",
    cell,
  };
}

/** The part of `useTableParams` a table needs: the sort and paging in the URL, the search. */
type TUrlState = {
  sort: string;
  direction: "asc" | "desc";
  defaultDirection: "asc" | "desc";
  setSort: (key: never, direction: "asc" | "desc") => void;
  setPage: (page: number) => void;
  search: string;
  setParams: (changes: Record<string, string | null>) => void;
  isFiltered: boolean;
  queryString: string;
};

/** What `useQuery` answers for a paged list procedure. */
type TPageQuery<Row> = {
  data?: { rows: Row[]; total: number; page: number; pages: number; totalIsEstimate?: boolean } | undefined;
  isPending: boolean;
  isFetching: boolean;
  error: { message: string } | null;
};

/** A designed empty state; without an icon, one quiet line (a short list inside a detail panel). */
type TEmpty =
  | { icon: LucideIcon; title: string; children: ReactNode; filtered?: ReactNode }
  | { icon?: never; title: string; children?: never; filtered?: never };

type TSource<Row> =
  | { query: TPageQuery<Row>; rows?: never }
  | {
      rows: readonly Row[] | undefined;
      query?: never;
      pending?: boolean;
      error?: { message: string } | null;
    };

/** A row's identity: its `id` unless the page says otherwise. */
type TRowKey<Row> = Row extends { id: string }
  ? { rowKey?: (row: Row) => string }
  : { rowKey: (row: Row) => string };

export type TDataTableProps<Row> = TSource<Row> &
  TRowKey<Row> & {
    /** Names the table: its stored column choice, `data-testid="<id>-table"`, its accessible name. */
    id: string;
    label: string;
    /** Sits inside a panel that already frames it. */
    inset?: boolean;
    /** Overrides `data-testid` of the table element. */
    testId?: string;
    columns: readonly TColumn<Row>[];
    rowTestId?: string;
    rowClassName?: (row: Row) => string | undefined;
    empty: TEmpty;
    /** Sorting, paging and search kept in the URL (`useTableParams`); without it the list is plain. */
    url?: TUrlState;
    /** Paging kept by the page itself (a panel whose URL belongs to another table). */
    onPage?: (page: number) => void;
    search?: { label: string; placeholder: string };
    savedViews?: TSavedViewTable;
    /** The CSV export of the same view (`/api/export/<table>`, with the URL's query unless given). */
    exportCsv?: string | { table: string; queryString?: string; label?: string };
    /** Whatever a row unfolds below itself (null while folded), across the whole width. */
    detail?: (row: Row, isUnfolded: boolean) => ReactNode;
    /** The accessible name of a row's unfold button (see `unfolds`). */
    unfoldLabel?: (row: Row) => string;
    /** Filters and actions shown in the toolbar after the search. */
    toolbar?: ReactNode;
    /** Shown between the toolbar and the table (bulk actions). */
    children?: ReactNode;
  };

const FRAME = "md:overflow-x-auto md:rounded-lg md:border md:border-border md:bg-surface";
const ALIGN_CELL = "md:pl-6 md:text-right md:whitespace-nowrap tabular-nums";
// Below `md` every row is a card of "label: value" lines; the label comes from data-label.
const STACKED_CELL =
  "max-md:grid max-md:grid-cols-[minmax(5.5rem,35%)_minmax(0,1fr)] max-md:gap-3 max-md:px-0 max-md:py-1 max-md:break-words max-md:before:text-xs max-md:before:text-muted max-md:before:content-[attr(data-label)]";

function toColumnDefs<Row>(columns: readonly TColumn<Row>[]): ColumnDef<Row>[] {
  return columns.map((column) => ({
    id: column.id,
    header: column.header,
    cell: ({ row }) => column.cell(row.original),
    // The server sorts (manualSorting); tanstack offers sorting only on a column with a value.
    ...(column.sortKey ? { accessorFn: () => column.sortKey } : {}),
    enableSorting: Boolean(column.sortKey),
    enableHiding: column.hideable ?? false,
    meta: { column },
  }));
}

/**
 * The console's list table: columns declared once, server-side sorting and paging kept in the
 * URL, a Columns menu remembered per table, stacked rows on narrow screens, and one loading,
 * error and empty state.
 */
export function DataTable<Row>(props: TDataTableProps<Row>) {
  const { url, columns } = props;
  const [visibility, setVisibility] = useColumnVisibility(props.id);
  const page = props.query?.data;
  const rows = props.query ? page?.rows : props.rows;
  const pending = props.query ? props.query.isPending : (props.pending ?? props.rows === undefined);
  const sortColumn = url ? columns.find((column) => column.sortKey === url.sort) : undefined;
  const sorting: SortingState = sortColumn ? [{ id: sortColumn.id, desc: url?.direction === "desc" }] : [];
  const exportCsv = typeof props.exportCsv === "string" ? { table: props.exportCsv } : props.exportCsv;

  const table = useReactTable<Row>({
    data: (rows ?? []) as Row[],
    columns: toColumnDefs(columns),
    getRowId: props.rowKey ?? ((row) => (row as { id: string }).id),
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    getRowCanExpand: () => true,
    // A refetch (the delivery log polls) keeps the rows the user unfolded.
    autoResetExpanded: false,
    enableSortingRemoval: false,
    enableMultiSort: false,
    sortDescFirst: url?.defaultDirection === "desc",
    pageCount: page?.pages ?? -1,
    state: {
      sorting,
      columnVisibility: visibility,
      pagination: { pageIndex: (page?.page ?? 1) - 1, pageSize: page?.rows.length ?? 0 },
    },
    onColumnVisibilityChange: setVisibility,
    onSortingChange: (update: Updater<SortingState>) => {
      const [next] = typeof update === "function" ? update(sorting) : update;
      const key = columns.find((column) => column.id === next?.id)?.sortKey;
      if (url && next && key) url.setSort(key as never, next.desc ? "desc" : "asc");
    },
    onPaginationChange: (update) => {
      const current = table.getState().pagination;
      const next = typeof update === "function" ? update(current) : update;
      (url?.setPage ?? props.onPage)?.(next.pageIndex + 1);
    },
  });

  const error = props.query ? props.query.error : props.error;
  const hasToolbar =
    props.search ||
    props.savedViews ||
    props.toolbar ||
    exportCsv ||
    columns.some((column) => column.hideable);
  return (
    <div className="flex min-w-0 flex-col gap-3">
      <div className={hasToolbar ? "flex flex-wrap items-center gap-2" : "hidden"}>
        {props.search && url ? <DebouncedSearch url={url} {...props.search} /> : null}
        {props.savedViews ? <SavedViews table={props.savedViews} /> : null}
        {props.toolbar}
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {exportCsv ? (
            <ExportCsvLink
              table={exportCsv.table}
              queryString={exportCsv.queryString ?? url?.queryString ?? ""}
              label={exportCsv.label}
            />
          ) : null}
          <ColumnsMenu table={table} label={props.label} />
        </div>
      </div>
      {props.children}
      {error ? <ErrorNote message={`Could not load ${props.label.toLowerCase()}: ${error.message}`} /> : null}
      {!pending && (rows?.length ?? 0) === 0 ? (
        props.empty.icon ? (
          <EmptyState icon={props.empty.icon} title={props.empty.title}>
            {url?.isFiltered && props.empty.filtered ? props.empty.filtered : props.empty.children}
          </EmptyState>
        ) : (
          <p className="px-3 py-6 text-center text-sm text-muted">{props.empty.title}</p>
        )
      ) : (
        <div className={props.inset ? "md:overflow-x-auto" : FRAME}>
          <table
            className="w-full text-sm max-md:block"
            data-testid={props.testId ?? `${props.id}-table`}
            aria-label={props.label}
          >
            <thead className="border-b border-border text-left text-xs text-muted max-md:sr-only">
              <tr>
                {table.getFlatHeaders().map((header) => (
                  <HeaderCell key={header.id} header={header} />
                ))}
              </tr>
            </thead>
            <tbody
              className={`max-md:flex max-md:flex-col max-md:gap-2 ${props.query?.isFetching ? "opacity-60" : ""}`}
            >
              {pending ? (
                <SkeletonRows columns={table.getVisibleLeafColumns().length} />
              ) : (
                table.getRowModel().rows.map((row) => <BodyRow key={row.id} row={row} props={props} />)
              )}
            </tbody>
          </table>
        </div>
      )}
      {page && (url || props.onPage) ? (
        <Pagination
          page={page.page}
          pages={page.pages}
          total={page.total}
          totalIsEstimate={page.totalIsEstimate ?? false}
          onPage={(value) => table.setPageIndex(value - 1)}
        />
      ) : null}
    </div>
  );
}

const ARIA_SORT = { asc: "ascending", desc: "descending", none: "none" } as const;

function HeaderCell<Row>({ header }: { header: Header<Row, unknown> }) {
  const column = header.column.columnDef.meta?.column as TColumn<Row>;
  const canSort = header.column.getCanSort();
  const sorted = header.column.getIsSorted();
  return (
    <th
      className={`px-3 py-2 font-medium whitespace-nowrap ${column.align ? "pl-6 text-right" : ""}`}
      aria-sort={canSort ? ARIA_SORT[sorted || "none"] : undefined}
    >
      {column.headerCell ??
        (canSort ? (
          <button
            type="button"
            className="inline-flex items-center gap-1 hover:text-foreground"
            onClick={header.column.getToggleSortingHandler()}
          >
            {column.header}
            {sorted === "asc" ? <ArrowUp className="size-3" aria-hidden /> : null}
            {sorted === "desc" ? <ArrowDown className="size-3" aria-hidden /> : null}
          </button>
        ) : (
          column.header
        ))}
    </th>
  );
}

function BodyRow<Row>({ row, props }: { row: TableRow<Row>; props: TDataTableProps<Row> }) {
  const cells = row.getVisibleCells();
  const detail = props.detail?.(row.original, row.getIsExpanded());
  return (
    <>
      <tr
        data-testid={props.rowTestId}
        className={`border-t border-border align-top hover:bg-foreground/3 max-md:block max-md:rounded-lg max-md:border max-md:bg-surface max-md:px-3 max-md:py-2 ${props.rowClassName?.(row.original) ?? ""}`}
      >
        {cells.map((cell) => {
          const column = cell.column.columnDef.meta?.column as TColumn<Row>;
          return (
            <td
              key={cell.id}
              data-label={column.header}
              data-testid={column.testId}
              className={`px-3 py-2 ${STACKED_CELL} ${column.align ? ALIGN_CELL : ""} ${column.className ?? ""}`}
            >
              {/* One wrapper, so that in a stacked card the value is one item beside its label. */}
              <div className="min-w-0">
                {column.unfolds ? (
                  <button
                    type="button"
                    aria-expanded={row.getIsExpanded()}
                    aria-label={props.unfoldLabel?.(row.original)}
                    onClick={row.getToggleExpandedHandler()}
                    className="hover:underline"
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </button>
                ) : (
                  flexRender(cell.column.columnDef.cell, cell.getContext())
                )}
              </div>
            </td>
          );
        })}
      </tr>
      {detail ? (
        <tr className="border-t border-border bg-background max-md:block">
          <td colSpan={cells.length} className="px-3 py-3 max-md:block">
            {detail}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function DebouncedSearch({
  url,
  label,
  placeholder,
}: {
  url: TUrlState;
  label: string;
  placeholder: string;
}) {
  const [draft, setDraft] = useDebouncedSearch(url.search, url.setParams);
  return <SearchBox label={label} placeholder={placeholder} value={draft} onChange={setDraft} />;
}

declare module "@tanstack/react-table" {
  // biome-ignore lint/style/useConsistentTypeDefinitions: module augmentation needs an interface
  interface ColumnMeta<TData extends RowData, TValue> {
    column: unknown;
  }
}
