/*
 * bcryptprimitives.dll for wine 8.0, which lacks it: Rust's standard library (inside the
 * @napi-rs/keyring Windows binding) imports ProcessPrng from it. One function, on RtlGenRandom
 * (advapi32's SystemFunction036). Built by scripts/windows-lane.sh with x86_64-w64-mingw32-gcc;
 * only ever loaded under wine by the test lane, never shipped.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG part = length > 0x40000000 ? 0x40000000 : (ULONG)length;
    if (!SystemFunction036(data, part)) return FALSE;
    data += part;
    length -= part;
  }
  return TRUE;
}
