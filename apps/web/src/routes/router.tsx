/** The app's routes, as code: each path, the screen it shows, and the frame around them. */
import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Navigate } from "@tanstack/react-router"
import type { ComponentType } from "react"
import { useOptionalSession } from "../app/Session.js"
import { NotesPage } from "./NotesPage.js"
import { NotFoundPage, Root } from "./Root.js"

// Only the note list is in the first download; every other screen (and what it brings: Effect,
// the API client, QR codes) loads when it is opened, and the service worker precaches it.
const NotePage = lazyRouteComponent(() => import("./NotePage.js"), "NotePage")
const TrashPage = lazyRouteComponent(() => import("./TrashPage.js"), "TrashPage")
const DevicesPage = lazyRouteComponent(() => import("./DevicesPage.js"), "DevicesPage")
const BackupPage = lazyRouteComponent(() => import("./BackupPage.js"), "BackupPage")
const AppearancePage = lazyRouteComponent(() => import("./AppearancePage.js"), "AppearancePage")
const WelcomePage = lazyRouteComponent(() => import("./WelcomePage.js"), "WelcomePage")
const PairPage = lazyRouteComponent(() => import("./PairPage.js"), "PairPage")

const rootRoute = createRootRoute({ component: Root, notFoundComponent: NotFoundPage })

/** A screen that exists only inside a workspace; without one, the device goes to the welcome screen. */
const inWorkspace = (Screen: ComponentType) =>
  function WorkspaceScreen() {
    return useOptionalSession() ? <Screen /> : <Navigate to="/welcome" />
  }

const routeTree = rootRoute.addChildren([
  createRoute({ getParentRoute: () => rootRoute, path: "/", component: inWorkspace(NotesPage) }),
  createRoute({ getParentRoute: () => rootRoute, path: "/notes/$noteId", component: inWorkspace(NotePage) }),
  createRoute({ getParentRoute: () => rootRoute, path: "/trash", component: inWorkspace(TrashPage) }),
  createRoute({ getParentRoute: () => rootRoute, path: "/settings/devices", component: inWorkspace(DevicesPage) }),
  createRoute({ getParentRoute: () => rootRoute, path: "/settings/backup", component: inWorkspace(BackupPage) }),
  createRoute({ getParentRoute: () => rootRoute, path: "/settings/appearance", component: AppearancePage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/welcome", component: WelcomePage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/pair", component: PairPage })
])

export const router = createRouter({ routeTree, defaultNotFoundComponent: NotFoundPage })

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router
  }
}
