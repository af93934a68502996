import CAlsa
import Glibc
import Synchronization

/// A software ALSA playback device that consumes audio in real time, like a sound card, and
/// records every frame it is given. It is built on ALSA's external-plugin interface (ioplug), the
/// same interface the PulseAudio and PipeWire devices use, so ALSA's own state machine handles it:
/// when the clock passes the last written frame the device reports its position as an error,
/// ALSA moves the PCM to XRUN, and the next write returns -EPIPE, exactly as with hardware.
///
/// The machine running the tests has no sound card, and ALSA's `null` and `file` devices are not
/// paced, so this is what lets the tests see a non-zero `snd_pcm_delay` and genuine underruns.
///
/// ALSA's `<alsa/pcm_ioplug.h>` is not part of the `CAlsa` module, so the plugin record is laid
/// out here by hand (offsets checked against the header of alsa-lib 1.2.8, protocol 1.0.2) and the
/// three ioplug functions are looked up with `dlsym`.
final class ClockedDevice: Sendable {
    /// Frames per second the device consumes, once ALSA has configured it.
    var rate: Int { Int(record.load(fromByteOffset: Layout.rate, as: UInt32.self)) }

    /// Everything the device was given, in order: the bytes a listener would have heard.
    var recorded: [Int16] { recording.withLock { $0 } }

    /// How many times the device ran dry and reported an underrun to ALSA.
    var underrunsDeclared: Int { underruns.load(ordering: .acquiring) }

    /// The PCM handle, to be passed to `Player(source:adoptingPCM:name:)`, which closes it.
    nonisolated(unsafe) let handle: OpaquePointer

    private let recording = Mutex<[Int16]>([])
    private let clock = Mutex<Clock>(Clock())
    private let underruns = Atomic(0)
    private nonisolated(unsafe) let record: UnsafeMutableRawPointer
    private let timer: Int32

    private struct Clock {
        var startedAt: Double?
        var inUnderrun = false
    }

    /// Creates the device, accepting interleaved S16_LE at the given rates and channel counts.
    static func make(rates: ClosedRange<Int> = 8_000...192_000, channels: ClosedRange<Int> = 1...2)
        throws -> ClockedDevice
    {
        let record = UnsafeMutableRawPointer.allocate(byteCount: Layout.size, alignment: 16)
        record.initializeMemory(as: UInt8.self, repeating: 0, count: Layout.size)
        let timer = Timer.create()
        guard timer >= 0 else { throw DeviceError("timerfd_create failed") }
        record.storeBytes(of: Layout.protocolVersion, toByteOffset: Layout.version, as: UInt32.self)
        record.storeBytes(of: UnsafePointer(strdup("sotto-clocked")), toByteOffset: Layout.name, as: UnsafePointer<CChar>?.self)
        record.storeBytes(of: timer, toByteOffset: Layout.pollDescriptor, as: Int32.self)
        record.storeBytes(of: UInt32(POLLIN), toByteOffset: Layout.pollEvents, as: UInt32.self)
        record.storeBytes(of: UnsafeRawPointer(callbackTable), toByteOffset: Layout.callbacks, as: UnsafeRawPointer.self)

        let code = IOPlug.create(record, "sotto-clocked", SND_PCM_STREAM_PLAYBACK, Int32(SND_PCM_NONBLOCK))
        guard code == 0 else {
            close(timer)
            record.deallocate()
            throw DeviceError("snd_pcm_ioplug_create failed: \(code)")
        }
        let handle = record.load(fromByteOffset: Layout.pcm, as: OpaquePointer.self)
        let device = ClockedDevice(handle: handle, record: record, timer: timer)
        // Retained by the plugin record until ALSA calls `close`.
        record.storeBytes(of: Unmanaged.passRetained(device).toOpaque(), toByteOffset: Layout.privateData, as: UnsafeMutableRawPointer.self)

        let access: [UInt32] = [SND_PCM_ACCESS_RW_INTERLEAVED.rawValue]
        let formats: [UInt32] = [UInt32(bitPattern: SND_PCM_FORMAT_S16_LE.rawValue)]
        _ = IOPlug.setList(record, Parameter.access, UInt32(access.count), access)
        _ = IOPlug.setList(record, Parameter.format, UInt32(formats.count), formats)
        _ = IOPlug.setMinMax(record, Parameter.channels, UInt32(channels.lowerBound), UInt32(channels.upperBound))
        _ = IOPlug.setMinMax(record, Parameter.rate, UInt32(rates.lowerBound), UInt32(rates.upperBound))
        _ = IOPlug.setMinMax(record, Parameter.periodBytes, 64, 64 * 1024)
        _ = IOPlug.setMinMax(record, Parameter.periods, 2, 64)
        return device
    }

    private init(handle: OpaquePointer, record: UnsafeMutableRawPointer, timer: Int32) {
        self.handle = handle
        self.record = record
        self.timer = timer
    }

    private static func device(_ record: UnsafeMutableRawPointer?) -> ClockedDevice {
        let context = record!.load(fromByteOffset: Layout.privateData, as: UnsafeMutableRawPointer.self)
        return Unmanaged<ClockedDevice>.fromOpaque(context).takeUnretainedValue()
    }

    // MARK: Device behaviour

    private func start() -> Int32 {
        clock.withLock { $0 = Clock(startedAt: now(), inUnderrun: false) }
        Timer.arm(timer, intervalNanoseconds: 5_000_000)
        return 0
    }

    private func stop() -> Int32 {
        clock.withLock { $0.startedAt = nil }
        Timer.arm(timer, intervalNanoseconds: 0)
        return 0
    }

    private func prepare() -> Int32 {
        clock.withLock { $0 = Clock() }
        return 0
    }

    /// The hardware position: frames consumed since start, as a position in the ring buffer.
    private func pointer() -> Int {
        let written = Int(record.load(fromByteOffset: Layout.applicationPointer, as: UInt.self))
        let bufferSize = Int(record.load(fromByteOffset: Layout.bufferSize, as: UInt.self))
        let rate = self.rate
        return clock.withLock { clock in
            guard let startedAt = clock.startedAt, bufferSize > 0 else { return 0 }
            let consumed = Int((now() - startedAt) * Double(rate))
            if consumed > written {
                if !clock.inUnderrun {
                    clock.inUnderrun = true
                    underruns.add(1, ordering: .releasing)
                }
                return -Int(EPIPE)
            }
            return consumed % bufferSize
        }
    }

    private func transfer(_ areas: UnsafePointer<snd_pcm_channel_area_t>, offset: Int, frames: Int) -> Int {
        let area = areas[0]
        let channels = Int(record.load(fromByteOffset: Layout.channels, as: UInt32.self))
        let first = area.addr.advanced(by: Int(area.first) / 8 + offset * Int(area.step) / 8)
        let samples = UnsafeBufferPointer(start: first.assumingMemoryBound(to: Int16.self), count: frames * channels)
        recording.withLock { $0.append(contentsOf: samples) }
        return frames
    }

    private func closeDevice() {
        Timer.arm(timer, intervalNanoseconds: 0)
        close(timer)
        free(UnsafeMutableRawPointer(mutating: record.load(fromByteOffset: Layout.name, as: UnsafePointer<CChar>?.self)))
        // The record itself stays until deinit: tests read the configured rate after playback.
        let context = record.load(fromByteOffset: Layout.privateData, as: UnsafeMutableRawPointer.self)
        Unmanaged<ClockedDevice>.fromOpaque(context).release()
    }

    deinit { record.deallocate() }

    /// Writable once a period fits; ALSA keeps polling (sleeping on the timer) until then.
    private func pollReady() -> UInt16 {
        var expirations: UInt64 = 0
        _ = read(timer, &expirations, 8)
        let written = Int(record.load(fromByteOffset: Layout.applicationPointer, as: UInt.self))
        let bufferSize = Int(record.load(fromByteOffset: Layout.bufferSize, as: UInt.self))
        let periodSize = Int(record.load(fromByteOffset: Layout.periodSize, as: UInt.self))
        let rate = self.rate
        let consumed = clock.withLock { clock in
            clock.startedAt.map { Int((now() - $0) * Double(rate)) }
        }
        guard let consumed else { return UInt16(POLLOUT) }
        return written - consumed <= bufferSize - periodSize ? UInt16(POLLOUT) : 0
    }

    // MARK: The plugin record

    private enum Layout {
        static let size = 120
        static let protocolVersion: UInt32 = 0x01_00_02
        static let version = 0
        static let name = 8
        static let pollDescriptor = 20
        static let pollEvents = 24
        static let callbacks = 32
        static let privateData = 40
        static let pcm = 48
        static let applicationPointer = 64
        static let channels = 92
        static let rate = 96
        static let periodSize = 104
        static let bufferSize = 112
    }

    private enum Parameter {
        static let access: Int32 = 0
        static let format: Int32 = 1
        static let channels: Int32 = 2
        static let rate: Int32 = 3
        static let periodBytes: Int32 = 4
        static let periods: Int32 = 6
    }

    /// The callback record: 20 function pointers, in the header's order.
    private static nonisolated(unsafe) let callbackTable: UnsafeMutableRawPointer = {
        let slots = 20
        let table = UnsafeMutableRawPointer.allocate(byteCount: slots * 8, alignment: 8)
        table.initializeMemory(as: UInt8.self, repeating: 0, count: slots * 8)
        typealias Simple = @convention(c) (UnsafeMutableRawPointer?) -> Int32
        let start: Simple = { ClockedDevice.device($0).start() }
        let stop: Simple = { ClockedDevice.device($0).stop() }
        let prepare: Simple = { ClockedDevice.device($0).prepare() }
        let close: Simple = { ClockedDevice.device($0).closeDevice(); return 0 }
        let pointer: @convention(c) (UnsafeMutableRawPointer?) -> Int = { ClockedDevice.device($0).pointer() }
        let transfer: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<snd_pcm_channel_area_t>?, UInt, UInt) -> Int = {
            ClockedDevice.device($0).transfer($1!, offset: Int($2), frames: Int($3))
        }
        let revents: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<pollfd>?, UInt32, UnsafeMutablePointer<UInt16>?) -> Int32 = {
            $3!.pointee = ($1!.pointee.revents & Int16(POLLIN)) != 0 ? ClockedDevice.device($0).pollReady() : 0
            return 0
        }
        func store<Function>(_ function: Function, slot: Int) {
            table.storeBytes(of: unsafeBitCast(function, to: UnsafeRawPointer.self), toByteOffset: slot * 8, as: UnsafeRawPointer.self)
        }
        store(start, slot: 0)
        store(stop, slot: 1)
        store(pointer, slot: 2)
        store(transfer, slot: 3)
        store(close, slot: 4)
        store(prepare, slot: 8)
        store(revents, slot: 14)
        return table
    }()
}

struct DeviceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// ALSA's ioplug entry points, which `CAlsa` does not declare.
private enum IOPlug {
    static let create = symbol("snd_pcm_ioplug_create",
        as: (@convention(c) (UnsafeMutableRawPointer, UnsafePointer<CChar>, snd_pcm_stream_t, Int32) -> Int32).self)
    static let setList = symbol("snd_pcm_ioplug_set_param_list",
        as: (@convention(c) (UnsafeMutableRawPointer, Int32, UInt32, UnsafePointer<UInt32>) -> Int32).self)
    static let setMinMax = symbol("snd_pcm_ioplug_set_param_minmax",
        as: (@convention(c) (UnsafeMutableRawPointer, Int32, UInt32, UInt32) -> Int32).self)
}

/// A periodic timer descriptor, so ALSA's poll sleeps instead of spinning; `timerfd` is not in
/// Swift's Glibc module either.
private enum Timer {
    static let createFunction = symbol("timerfd_create", as: (@convention(c) (Int32, Int32) -> Int32).self)
    static let setFunction = symbol("timerfd_settime",
        as: (@convention(c) (Int32, Int32, UnsafePointer<itimerspec>, UnsafeMutablePointer<itimerspec>?) -> Int32).self)

    static func create() -> Int32 {
        createFunction(CLOCK_MONOTONIC, Int32(O_NONBLOCK | O_CLOEXEC))
    }

    /// Fires every `intervalNanoseconds`; zero disarms.
    static func arm(_ timer: Int32, intervalNanoseconds: Int) {
        let interval = timespec(tv_sec: 0, tv_nsec: intervalNanoseconds)
        var setting = itimerspec(it_interval: interval, it_value: interval)
        _ = setFunction(timer, 0, &setting, nil)
    }
}

private func symbol<Function>(_ name: String, as type: Function.Type) -> Function {
    guard let address = dlsym(nil, name) else { fatalError("\(name) not found") }
    return unsafeBitCast(address, to: type)
}
