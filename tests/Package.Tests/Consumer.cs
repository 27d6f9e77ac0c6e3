namespace ImageLock.Package.Tests;

/// <summary>A fresh project outside the repository that uses ImageLock.Sdk the way a user would: one PackageReference.</summary>
public sealed class Consumer
{
    private readonly PackedFeed _feed;

    public Consumer(PackedFeed feed, string name)
    {
        _feed = feed;
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(feed.Root, "consumers", name)).FullName;
        Write("nuget.config", feed.NuGetConfig);
        Write($"{name}.csproj", $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ImageLock.Sdk" Version="{{PackedFeed.Version}}" />
              </ItemGroup>
            </Project>
            """);
    }

    public string Directory { get; }

    public void Write(string file, string text) => File.WriteAllText(Path.Combine(Directory, file), text);

    public Run Build(params string[] options) =>
        Dotnet.Exec(Directory, _feed.Environment, "dotnet", ["build", "-nologo", "-v", "q", .. options]);

    public Run Run(params string[] args) =>
        Dotnet.Exec(Directory, _feed.Environment, "dotnet", ["run", "--no-build", "--", .. args]);

    /// <summary>The body a user writes; the generator must add <c>Stamp(string imagePath)</c>.</summary>
    public const string Stamper = """
        using ImageLock;

        namespace Consumer;

        public partial class Stamper
        {
            [RequiresImageAccess(Perm.Read | Perm.Write, Unshare.Write)]
            public string Stamp(ImageAccess image)
            {
                image.Write(0, "IMGL"u8);
                var seen = ImageStatus.Probe(image.ImagePath); // from another descriptor: our lease's bytes
                return $"perm={PermNames.Format(seen.Perm)} unshare={PermNames.Format(seen.Unshare)}";
            }
        }
        """;

    public const string Program = """
        var image = args[0];
        Console.WriteLine("held: " + new Consumer.Stamper().Stamp(image));
        Console.WriteLine("after: " + (ImageLock.ImageStatus.Probe(image).IsFree ? "free" : "still held"));
        """;
}
