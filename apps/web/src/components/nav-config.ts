import {
  BookOpen,
  Boxes,
  BrainCircuit,
  Database,
  FileClock,
  FlaskConical,
  Gauge,
  Globe2,
  ListOrdered,
  type LucideIcon,
  MapPinned,
  Server,
  Settings,
  ShieldCheck,
  Users,
} from "lucide-react";

export type TNavItem = { title: string; href: string; icon: LucideIcon };

export const NAV_ITEMS: TNavItem[] = [
  { title: "Overview", href: "/", icon: Gauge },
  { title: "Sites", href: "/sites", icon: MapPinned },
  { title: "Nodes", href: "/nodes", icon: Server },
  { title: "Datasets", href: "/datasets", icon: Database },
  { title: "Models", href: "/models", icon: BrainCircuit },
  { title: "Services", href: "/services", icon: Globe2 },
  { title: "Teams", href: "/teams", icon: Users },
  { title: "Workloads", href: "/workloads", icon: Boxes },
  { title: "Queue", href: "/queue", icon: ListOrdered },
  { title: "Approvals", href: "/approvals", icon: ShieldCheck },
  { title: "What-if", href: "/what-if", icon: FlaskConical },
  { title: "Audit", href: "/audit", icon: FileClock },
  { title: "API reference", href: "/api-reference", icon: BookOpen },
  { title: "Settings", href: "/settings", icon: Settings },
];
