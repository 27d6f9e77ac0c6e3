using HelloImage;
using ImageLock;

// A throw-away 1 MiB raw image in a temp directory.
string directory = Directory.CreateTempSubdirectory("hello-image-").FullName;
string image = Path.Combine(directory, "disk.raw");
File.WriteAllBytes(image, new byte[1024 * 1024]);
try
{
    Console.WriteLine($"image: {image}");
    // The generated overload: acquires (write, unshare resize), runs Stamp's body, releases.
    ImageTools.Stamp(image, "hello, image");
    Console.WriteLine($"after Stamp the image is {(ImageStatus.Probe(image).IsFree ? "free" : "still locked")}");

    string greeting = await ImageTools.ReadGreetingAsync(image, 12);
    Console.WriteLine($"read back: \"{greeting}\"");

    // A conflicting holder: the wrapper fails with QEMU's message before the body runs.
    using (ImageLease.Acquire(image, Perm.Read, Unshare.Write))
    {
        try
        {
            ImageTools.Stamp(image, "never written");
        }
        catch (ImageLockConflictException conflict)
        {
            Console.WriteLine($"while another lease unshares write: {conflict.QemuMessage}");
        }
    }
    return 0;
}
finally
{
    Directory.Delete(directory, recursive: true);
}
