/**
 * Reads a QR code through the camera with the browser's own BarcodeDetector; where the
 * browser has none (or no camera), it renders nothing and pasting is the way.
 */
import { useEffect, useRef, useState } from "react"
import { messageOf } from "../messageOf.js"

interface DetectedBarcode {
  readonly rawValue: string
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<ReadonlyArray<DetectedBarcode>>
}
type BarcodeDetectorConstructor = new (options: { formats: Array<string> }) => BarcodeDetectorLike

const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector

export function QrScanButton({ onScan }: { onScan: (text: string) => void }) {
  const [scanning, setScanning] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const video = useRef<HTMLVideoElement>(null)

  useEffect(() => {
    if (!scanning || !Detector) return
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setInterval> | undefined
    const detector = new Detector({ formats: ["qr_code"] })
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        if (!video.current) return
        video.current.srcObject = stream
        await video.current.play()
        timer = setInterval(() => {
          if (!video.current) return
          void detector.detect(video.current).then((codes) => {
            const found = codes[0]?.rawValue
            if (found) {
              onScan(found)
              setScanning(false)
            }
          })
        }, 300)
      } catch (failure) {
        setError(`The camera could not be used (${messageOf(failure)}); paste the kit instead.`)
        setScanning(false)
      }
    })()
    return () => {
      if (timer) clearInterval(timer)
      stream?.getTracks().forEach((track) => track.stop())
    }
  }, [scanning, onScan])

  if (!Detector || !navigator.mediaDevices) return null
  return (
    <div>
      <button type="button" onClick={() => setScanning(!scanning)}>
        {scanning ? "Stop scanning" : "Scan its QR code"}
      </button>
      {scanning && <video ref={video} muted playsInline aria-label="Camera" style={{ maxWidth: "100%" }} />}
      {error && <p role="alert">{error}</p>}
    </div>
  )
}
