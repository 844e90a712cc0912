/**
 * The few line icons the dashboard uses, in the style of Tabler Icons (24 px grid, 2 px stroke,
 * currentColor). Decorative: hidden from assistive technology, every control has its own name.
 */
import type { ReactNode } from "react";

function Icon({ size = 18, children }: { size?: number; children: ReactNode }) {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

type P = { size?: number };

export const KeyIcon = ({ size }: P) => (
  <Icon size={size}>
    <circle cx="8" cy="15" r="4" />
    <path d="M10.85 12.15 19 4M18 5l2 2M15 8l2 2" />
  </Icon>
);
export const PlugIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M9 7V3M15 7V3M6 7h12v4a6 6 0 0 1-12 0V7zM12 17v4" />
  </Icon>
);
export const GlobeIcon = ({ size }: P) => (
  <Icon size={size}>
    <circle cx="12" cy="12" r="9" />
    <path d="M3.6 9h16.8M3.6 15h16.8M12 3a15 15 0 0 1 0 18M12 3a15 15 0 0 0 0 18" />
  </Icon>
);
export const ActivityIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M3 12h4l3 8 4-16 3 8h4" />
  </Icon>
);
export const LogoutIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M14 8V6a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h7a2 2 0 0 0 2-2v-2M9 12h12l-3-3m0 6 3-3" />
  </Icon>
);
export const ChevronDownIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="m6 9 6 6 6-6" />
  </Icon>
);
export const CopyIcon = ({ size }: P) => (
  <Icon size={size}>
    <rect x="8" y="8" width="12" height="12" rx="2" />
    <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
  </Icon>
);
export const DownloadIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2M7 11l5 5 5-5M12 4v12" />
  </Icon>
);
export const CheckIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="m5 12 5 5L20 7" />
  </Icon>
);
export const AlertIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M12 9v4M12 17h.01M10.24 3.95 2.39 17.5A2 2 0 0 0 4.15 20.5h15.7a2 2 0 0 0 1.76-3L13.76 3.95a2 2 0 0 0-3.52 0z" />
  </Icon>
);
export const InfoIcon = ({ size }: P) => (
  <Icon size={size}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 8h.01M11 12h1v4h1" />
  </Icon>
);
export const PlusIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M12 5v14M5 12h14" />
  </Icon>
);
export const TrashIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M4 7h16M10 11v6M14 11v6M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
  </Icon>
);
export const PauseIcon = ({ size }: P) => (
  <Icon size={size}>
    <rect x="6" y="5" width="4" height="14" rx="1" />
    <rect x="14" y="5" width="4" height="14" rx="1" />
  </Icon>
);
export const PlayIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M7 4v16l13-8z" />
  </Icon>
);
export const ShieldIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M12 3a12 12 0 0 0 8.5 3A12 12 0 0 1 12 21 12 12 0 0 1 3.5 6 12 12 0 0 0 12 3" />
  </Icon>
);
export const RotateIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M19.95 11a8 8 0 1 0-.5 4m.5 5v-5h-5" />
  </Icon>
);
export const SettingsIcon = ({ size }: P) => (
  <Icon size={size}>
    <path d="M4 6h8m4 0h4M4 12h2m4 0h10M4 18h11m4 0h1" />
    <circle cx="14" cy="6" r="2" />
    <circle cx="8" cy="12" r="2" />
    <circle cx="17" cy="18" r="2" />
  </Icon>
);
