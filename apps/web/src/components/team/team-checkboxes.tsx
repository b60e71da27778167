"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

/** Every team as a checkbox, for choosing the teams of a person or a service account. */
export function TeamCheckboxes({
  value,
  onChange,
  errors,
  legend = "Teams (ML engineers submit for these)",
}: {
  value: string[];
  onChange: (teamIds: string[]) => void;
  errors?: string[];
  legend?: string;
}) {
  const trpc = useTRPC();
  const teams = useQuery(trpc.team.list.queryOptions({ pageSize: 200 }));
  return (
    <fieldset className="flex flex-col gap-1" aria-invalid={errors && errors.length > 0 ? true : undefined}>
      <legend className="mb-1 text-xs font-medium text-muted">{legend}</legend>
      {(teams.data?.rows ?? []).map((team) => (
        <label key={team.id} className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={value.includes(team.id)}
            onChange={() =>
              onChange(value.includes(team.id) ? value.filter((id) => id !== team.id) : [...value, team.id])
            }
          />
          {team.name}
        </label>
      ))}
      {errors && errors.length > 0 ? <p className="text-xs text-status-bad">{errors.join(" ")}</p> : null}
    </fieldset>
  );
}
