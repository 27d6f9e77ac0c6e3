// Records and init accessors in netstandard2.0 need this type; one hand-written copy instead of a polyfill generator,
// whose output order varied from build to build and made these DLLs irreproducible.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
