"use client";

import { useQuery } from "@tanstack/react-query";
import { CheckboxGroupField } from "~/components/form/fields";
import { useTRPC } from "~/trpc/react";

/** Every team as a checkbox (field `teamIds`), for choosing the teams of a person or a service account. */
export function TeamsField({ legend = "Teams (ML engineers submit for these)" }: { legend?: string }) {
  const trpc = useTRPC();
  const teams = useQuery(trpc.team.list.queryOptions({ pageSize: 200 }));
  const choices = (teams.data?.rows ?? []).map((team) => ({ value: team.id, label: team.name }));
  return <CheckboxGroupField name="teamIds" legend={legend} choices={choices} />;
}
