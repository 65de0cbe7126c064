import QRCode from "qrcode"
import { useEffect, useState } from "react"
import { messageOf } from "../messageOf.js"

/** `text` as a QR code image, for scanning with another device. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [drawn, setDrawn] = useState<{ src: string } | { failure: string } | null>(null)
  useEffect(() => {
    let live = true
    QRCode.toDataURL(text, { margin: 1, width: 220, errorCorrectionLevel: "M" }).then(
      (src) => live && setDrawn({ src }),
      // Too much text for a QR code, say: the text beside it still works.
      (error: unknown) => live && setDrawn({ failure: messageOf(error) })
    )
    return () => {
      live = false
    }
  }, [text])
  if (!drawn) return null
  if ("failure" in drawn) return <p className="muted">No QR code ({drawn.failure}): copy the text instead.</p>
  return <img src={drawn.src} alt={label} width={220} height={220} />
}
