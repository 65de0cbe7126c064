/** The app's routes, as code: each path, the screen it shows, and the frame around them. */
import { createRootRoute, createRoute, createRouter } from "@tanstack/react-router"
import { BackupPage } from "./BackupPage.js"
import { DevicesPage } from "./DevicesPage.js"
import { NotePage } from "./NotePage.js"
import { NotesPage } from "./NotesPage.js"
import { PairPage } from "./PairPage.js"
import { NotFoundPage, Root } from "./Root.js"
import { TrashPage } from "./TrashPage.js"
import { WelcomePage } from "./WelcomePage.js"

const rootRoute = createRootRoute({ component: Root, notFoundComponent: NotFoundPage })

const routeTree = rootRoute.addChildren([
  createRoute({ getParentRoute: () => rootRoute, path: "/", component: NotesPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/notes/$noteId", component: NotePage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/trash", component: TrashPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/settings/devices", component: DevicesPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/settings/backup", component: BackupPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/welcome", component: WelcomePage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/pair", component: PairPage })
])

export const router = createRouter({ routeTree, defaultNotFoundComponent: NotFoundPage })

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router
  }
}
