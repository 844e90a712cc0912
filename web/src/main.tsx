/** The dashboard's entry: Mantine's providers around the app, light theme (see docs/dashboard.md). */
import "@mantine/core/styles.css";
import "@mantine/dates/styles.css";
import "@mantine/notifications/styles.css";
import "@mantine/charts/styles.css";
import "./dashboard.css";
import { Badge, createTheme, getDefaultZIndex, MantineProvider, Menu, Notification } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { Notifications } from "@mantine/notifications";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { DashboardApp } from "./dashboard-app";

const theme = createTheme({
  primaryColor: "indigo",
  // Shade 8: white text on it, and it on white, pass WCAG AA (shade 6 is about 4:1).
  primaryShade: 8,
  defaultRadius: "md",
  fontFamily: "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  fontFamilyMonospace: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
  headings: { fontWeight: "650" },
  components: {
    // Sentence-case badges, shown whole: their labels are short words such as "Custom access".
    Badge: Badge.extend({ defaultProps: { tt: "none", fw: 600 }, styles: { label: { overflow: "visible" } } }),
    // No focus placeholder (a role=presentation child of role=menu: axe's critical
    // aria-required-children); opening a menu focuses its first item instead.
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
    // A named close button on every notification (axe: button-name, critical).
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close notification" } } }),
  },
});

/**
 * Bottom right and under the modals' z-index (200): a toast never covers an open dialog's text or
 * buttons (a dialog's own errors are shown inside it). At most three at a time, and one on a phone,
 * where they would pile up over the page (the rest wait their turn).
 */
function DashboardNotifications() {
  const phone = useMediaQuery("(max-width: 36em)") ?? false;
  return <Notifications position="bottom-right" zIndex={getDefaultZIndex("modal") - 10} limit={phone ? 1 : 3} />;
}

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light" forceColorScheme="light">
      <DashboardNotifications />
      <DashboardApp />
    </MantineProvider>
  </StrictMode>,
);
