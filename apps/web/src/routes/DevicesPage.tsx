/** Devices: this device's files; and on the master, who is paired, revoking one, sharing a link, and the recovery kit. */
import { Either } from "effect"
import { useCallback, useEffect, useMemo, useState } from "react"
import { useSession } from "../app/Session.js"
import { makeAdminApi } from "../sync/AdminApi.js"
import { writeMeta } from "../data/Meta.js"
import { formatRecoveryKit } from "../sync/RecoveryKit.js"
import { OfflineFilesSetting } from "./OfflineFilesSetting.js"
import { formatShareLink } from "../sync/ShareLink.js"
import { CopyButton } from "../ui/CopyButton.js"
import { QrCode } from "../ui/QrCode.js"
import { timeAgo } from "../ui/time.js"

interface DeviceView {
  readonly tokenId: string
  readonly deviceId: string
  readonly role: "master" | "device"
  readonly label: string
  readonly createdAt: Date
  readonly lastSeenAt: Date | null
  readonly revokedAt: Date | null
}

function RecoveryKit() {
  const { credentials, db } = useSession()
  const [shown, setShown] = useState(false)
  // Once the kit has been shown again, the warning that the old one stopped working can go.
  useEffect(() => {
    if (shown) void writeMeta(db, "kitOutdated", false)
  }, [shown, db])
  const kit = formatRecoveryKit(credentials)
  return (
    <section className="card" aria-label="Recovery kit">
      <h2>Recovery kit</h2>
      <p>
        The recovery kit holds everything needed to take over this workspace: its id, the master token and the encryption key. Anyone who
        has it can read and change every note. Keep it offline, somewhere safe.
      </p>
      {shown ? (
        <>
          <pre className="secret" aria-label="Recovery kit text">
            {kit}
          </pre>
          <CopyButton text={kit} label="Copy the recovery kit" />
          <div>
            <QrCode text={kit} label="QR code of the recovery kit" />
          </div>
          <button type="button" onClick={() => setShown(false)}>
            Hide
          </button>
        </>
      ) : (
        <button
          type="button"
          onClick={() =>
            window.confirm("Show the recovery kit? Anyone who sees it can read every note. Make sure no one is looking.") && setShown(true)
          }
        >
          Show recovery kit
        </button>
      )}
    </section>
  )
}

export function DevicesPage() {
  const { credentials } = useSession()
  const admin = useMemo(() => makeAdminApi(credentials), [credentials])
  const [devices, setDevices] = useState<ReadonlyArray<DeviceView> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [link, setLink] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    const result = await admin.devices()
    if (Either.isLeft(result)) setError(result.left.message)
    else setDevices(result.right.devices)
  }, [admin])

  useEffect(() => {
    if (credentials.role === "master") void refresh()
  }, [credentials.role, refresh])

  if (credentials.role !== "master") {
    return (
      <section>
        <h1>Devices</h1>
        <p>Only the device that created this workspace (or holds its recovery kit) manages devices.</p>
        <OfflineFilesSetting />
      </section>
    )
  }

  const share = async () => {
    const pairing = await admin.createPairing()
    if (Either.isLeft(pairing)) return setError(pairing.left.message)
    setLink(
      formatShareLink({
        serverUrl: credentials.serverUrl,
        workspaceId: credentials.workspaceId,
        code: pairing.right.code,
        key: credentials.workspaceKey
      })
    )
  }

  const revoke = async (device: DeviceView) => {
    if (!window.confirm(`Remove “${device.label}” from this workspace? It keeps the notes it has, but will not sync again.`)) return
    const result = await admin.revoke(device.tokenId)
    if (Either.isLeft(result)) setError(result.left.message)
    await refresh()
  }

  return (
    <section>
      <h1>Devices</h1>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <section className="card" aria-label="Add a device">
        <h2>Add a device</h2>
        <p className="muted">The link works once, for ten minutes. It carries the encryption key: send it only to yourself.</p>
        <button type="button" className="primary" onClick={() => void share()}>
          Create share link
        </button>
        {link && (
          <div>
            <label htmlFor="share-link-out">Share link</label>
            <input id="share-link-out" readOnly value={link} onFocus={(event) => event.target.select()} />
            <p>
              <CopyButton text={link} label="Copy the share link" />
            </p>
            <QrCode text={link} label="QR code of the share link" />
          </div>
        )}
      </section>
      <section className="card" aria-label="Paired devices">
        <h2>Paired devices</h2>
        {devices === null ? (
          <p className="muted">Loading…</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Device</th>
                <th>Added</th>
                <th>Last seen</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {devices.map((device) => (
                <tr key={device.tokenId}>
                  <td>
                    {device.label || "Unnamed"} {device.role === "master" && <span className="tag">this workspace's master</span>}
                  </td>
                  <td>{device.createdAt.toLocaleDateString()}</td>
                  <td>{device.lastSeenAt ? timeAgo(device.lastSeenAt.getTime()) : "never"}</td>
                  <td>
                    {device.revokedAt ? (
                      <span className="muted">removed</span>
                    ) : device.role === "device" ? (
                      <button type="button" className="danger" aria-label={`Remove ${device.label}`} onClick={() => void revoke(device)}>
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <RecoveryKit />
      <OfflineFilesSetting />
    </section>
  )
}
