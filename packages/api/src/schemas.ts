// Input schemas shared by procedures and the console's forms (client-safe: zod only).

export {
  humanFieldErrors,
  humanIssueMessage,
  humanMessage,
  installHumanMessages,
  type TFieldErrors,
} from "./lib/messages.ts";

export { MAX_PAGE_SIZE } from "./lib/pagination.ts";
export { residencyViolation } from "./lib/residency.ts";
export {
  APPROVAL_FILTERS,
  APPROVAL_VIEWS,
  type TApprovalView,
  type TDecideFormInput,
  ZDecideInput,
} from "./router/approval/approval.schema.ts";
export {
  AUDIT_FILTERS,
  AUDIT_SORT_KEYS,
  type TListAuditInput,
  ZListAuditInput,
} from "./router/audit/audit.schema.ts";
export {
  MAX_CATALOG_BYTES,
  type TCatalogImportInput,
  ZCatalogImportInput,
} from "./router/catalog/catalog.schema.ts";
export { type TReplicaInput, ZDatasetId, ZReplicaInput } from "./router/dataset/dataset.schema.ts";
export {
  GB,
  type TCreateDatasetInput,
  type TDatasetFields,
  type TUpdateDatasetInput,
  ZCreateDatasetInput,
  ZDatasetFields,
  ZUpdateDatasetInput,
} from "./router/dataset/dataset-form.schema.ts";
export {
  CLASSIFICATIONS,
  DATASET_FILTERS,
  DATASET_SORT_KEYS,
  type TListDatasetsInput,
  ZListDatasetsInput,
} from "./router/dataset/list-datasets.schema.ts";
export { ZSetExecutorInput } from "./router/executor/executor.schema.ts";
export {
  type TGpuClassesInput,
  type TSiteGroupInput,
  type TSiteGroupUpdate,
  ZGpuClassesInput,
  ZSiteGroupInput,
  ZSiteGroupUpdate,
} from "./router/fair-share/fair-share.schema.ts";
export {
  MODEL_FILTERS,
  MODEL_SORT_KEYS,
  type TDeclassifyInput,
  type TListModelsInput,
  ZDeclassifyInput,
  ZListModelsInput,
} from "./router/model/model.schema.ts";
export {
  NODE_FILTERS,
  NODE_SORT_KEYS,
  NODE_STATUSES,
  type TListNodesInput,
  ZListNodesInput,
} from "./router/node/list-nodes.schema.ts";
export { type TNodeInput, ZNodeId, ZNodeInput, ZNodeSelection } from "./router/node/node.schema.ts";
export {
  APPROVER_KINDS,
  MAX_THRESHOLD_USD,
  POLICY_KINDS,
  STEWARD_POLICY_KINDS,
  type TCreatePolicyInput,
  type TPolicyKind,
  type TPolicyRule,
  type TUpdatePolicyInput,
  ZCreatePolicyInput,
  ZPolicyKey,
  ZUpdatePolicyInput,
} from "./router/policy/policy.schema.ts";
export {
  MAX_SAVED_VIEW_QUERY,
  MAX_SAVED_VIEWS_PER_TABLE,
  SAVED_VIEW_FILTERS,
  SAVED_VIEW_TABLES,
  savedViewKeys,
  savedViewQuery,
  type TListSavedViewsInput,
  type TSavedViewTable,
  type TSaveViewInput,
  ZListSavedViewsInput,
  ZSavedViewId,
  ZSaveViewInput,
} from "./router/saved-view/saved-view.schema.ts";
export {
  SERVICE_APPLY_MODES,
  type TServiceCreate,
  ZServiceCreate,
} from "./router/service/service.schema.ts";
export {
  SITE_FILTERS,
  SITE_KINDS,
  SITE_SORT_KEYS,
  SITE_STATUSES,
  type TListSitesInput,
  ZListSitesInput,
} from "./router/site/list-sites.schema.ts";
export {
  type TSiteInput,
  ZGpuModel,
  ZSiteId,
  ZSiteInput,
  ZUpdateSiteInput,
} from "./router/site/site.schema.ts";
export { TEAM_SORT_KEYS, type TListTeamsInput, ZListTeamsInput } from "./router/team/list-teams.schema.ts";
export {
  ANY_GPU_MODEL,
  BUDGET_MODES,
  QUOTA_GPU_MODELS,
  type TQuota,
  type TTeamBudgetInput,
  type TTeamQuotasInput,
  ZQuota,
  ZTeamBudgetInput,
  ZTeamId,
  ZTeamQuotasInput,
} from "./router/team/team.schema.ts";
export {
  TOKEN_SCOPE_DESCRIPTIONS,
  ZCreateServiceAccountInput,
  ZCreateTokenInput,
} from "./router/token/token.schema.ts";
export { ZInvitePersonInput, ZSetTeamsInput } from "./router/user/user.schema.ts";
export {
  DELIVERY_STATUSES,
  type TListWebhookDeliveriesInput,
  type TUpdateWebhookInput,
  type TWebhookInput,
  WEBHOOK_DELIVERY_FILTERS,
  WEBHOOK_DELIVERY_SORT_KEYS,
  WEBHOOK_EVENT_DESCRIPTIONS,
  ZListWebhookDeliveriesInput,
  ZUpdateWebhookInput,
  ZWebhookInput,
} from "./router/webhook/webhook.schema.ts";
export {
  type TSaveScenarioInput,
  ZPlanDrainInput,
  ZPreviewScenarioInput,
  ZSaveScenarioInput,
  ZScenarioId,
} from "./router/what-if/what-if.schema.ts";
export {
  POLICY_PROFILES,
  type TListWorkloadsInput,
  type TWorkloadSpec,
  WORKLOAD_FILTERS,
  WORKLOAD_KINDS,
  WORKLOAD_SORT_KEYS,
  WORKLOAD_STATES,
  ZListWorkloadsInput,
  ZScheduleInput,
  ZSubmitWorkloadInput,
  ZTransitionInput,
  ZWorkloadId,
  ZWorkloadSpec,
} from "./router/workload/workload.schema.ts";
export { WEBHOOK_EVENTS } from "./webhooks/outbox.ts";
