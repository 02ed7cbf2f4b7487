using Dashboard.ClickHouse.Sql;
using Microsoft.OData.Edm;

namespace Dashboard.OData.Model;

/// <summary>Builds the OData EDM model (namespace <c>Dashboard</c>) from <see cref="EntitySetMaps"/>.</summary>
public static class EdmModelBuilder
{
    private static readonly Lazy<IEdmModel> Shared = new(() => Build(EntitySetMaps.All));

    /// <summary>The model of the contract's entity sets, built once.</summary>
    public static IEdmModel Model => Shared.Value;

    /// <summary>Builds a model from the given maps.</summary>
    /// <exception cref="ArgumentException">A map names a key that is not a property, repeats a property, or maps to a column that is not a plain identifier.</exception>
    public static IEdmModel Build(IEnumerable<EntitySetMap> maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var model = new EdmModel();
        var container = new EdmEntityContainer(EntitySetMaps.Namespace, EntitySetMaps.ContainerName);
        model.AddElement(container);
        foreach (var map in maps)
        {
            var type = new EdmEntityType(EntitySetMaps.Namespace, map.EntityType);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in map.Properties)
            {
                if (!seen.Add(p.Name))
                    throw new ArgumentException($"{map.EntitySet} declares property {p.Name} twice.", nameof(maps));
                SqlIdentifier.Validate(p.Column);
                var element = EdmCoreModel.Instance.GetPrimitive(p.Kind, p.Nullable);
                IEdmTypeReference typeRef = p.IsCollection
                    ? new EdmCollectionTypeReference(new EdmCollectionType(element))
                    : element;
                type.AddStructuralProperty(p.Name, typeRef);
            }
            var keys = map.Key.Select(k => type.FindProperty(k) as IEdmStructuralProperty
                ?? throw new ArgumentException($"{map.EntitySet} has key {k}, which is not one of its properties.", nameof(maps))).ToArray();
            if (keys.Length == 0) throw new ArgumentException($"{map.EntitySet} has no key.", nameof(maps));
            type.AddKeys(keys);
            model.AddElement(type);
            container.AddEntitySet(map.EntitySet, type);
        }
        return model;
    }
}
