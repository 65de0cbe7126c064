import QRCode from "qrcode"
import { useEffect, useState } from "react"

/** `text` as a QR code image, for scanning with another device. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    QRCode.toDataURL(text, { margin: 1, width: 220, errorCorrectionLevel: "M" }).then((url) => live && setSrc(url))
    return () => {
      live = false
    }
  }, [text])
  return src ? <img src={src} alt={label} width={220} height={220} /> : null
}
