using System.Text;
using System.Xml;
using System.Xml.Linq;
using Dashboard.OData.Model;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Validation;

namespace Dashboard.OData.Tests.Model;

public class CsdlTests
{
    private static XDocument Csdl()
    {
        var sb = new StringBuilder();
        using (var writer = XmlWriter.Create(sb))
        {
            Assert.True(CsdlWriter.TryWriteCsdl(EdmModelBuilder.Model, writer, CsdlTarget.OData, out var errors), string.Join("; ", errors));
        }
        return XDocument.Parse(sb.ToString());
    }

    [Theory]
    [InlineData("Regions", "Region", "Code")]
    [InlineData("Indicators", "Indicator", "Code")]
    [InlineData("Targets", "Target", "Id")]
    [InlineData("Observations", "Observation", "RegionCode,IndicatorCode,Period")]
    [InlineData("PullRuns", "PullRun", "Id")]
    [InlineData("Rejections", "Rejection", "Id")]
    [InlineData("Scorecard", "ScorecardEntry", "RegionCode,TargetId")]
    public void Metadata_has_every_set_and_key(string set, string type, string keys)
    {
        var doc = Csdl();
        var edm = XNamespace.Get("http://docs.oasis-open.org/odata/ns/edm");
        var setElement = doc.Descendants(edm + "EntitySet").Single(e => (string?)e.Attribute("Name") == set);
        Assert.Equal("Dashboard." + type, (string?)setElement.Attribute("EntityType"));
        var typeElement = doc.Descendants(edm + "EntityType").Single(e => (string?)e.Attribute("Name") == type);
        var keyNames = typeElement.Element(edm + "Key")!.Elements(edm + "PropertyRef").Select(e => (string?)e.Attribute("Name"));
        Assert.Equal(keys.Split(','), keyNames);
    }

    [Fact]
    public void Contract_property_types()
    {
        var doc = Csdl();
        var edm = XNamespace.Get("http://docs.oasis-open.org/odata/ns/edm");
        string TypeOf(string entity, string property) => (string)doc.Descendants(edm + "EntityType")
            .Single(e => (string?)e.Attribute("Name") == entity).Elements(edm + "Property")
            .Single(p => (string?)p.Attribute("Name") == property).Attribute("Type")!;
        Assert.Equal("Edm.Date", TypeOf("Observation", "Period"));
        Assert.Equal("Edm.Decimal", TypeOf("Observation", "Value"));
        Assert.Equal("Edm.DateTimeOffset", TypeOf("Observation", "LoadedAt"));
        Assert.Equal("Edm.Int64", TypeOf("PullRun", "RowsLoaded"));
        Assert.Equal("Collection(Edm.String)", TypeOf("Target", "ResponsibleUnits"));
        Assert.Equal("Edm.Boolean", TypeOf("ScorecardEntry", "Stale"));
    }

    [Fact]
    public void Model_validates()
    {
        Assert.True(EdmModelBuilder.Model.Validate(out var errors), string.Join("; ", errors.Select(e => e.ErrorMessage)));
        Assert.Equal("Container", EdmModelBuilder.Model.EntityContainer.Name);
    }

    [Fact]
    public void Every_contract_property_is_mapped()
    {
        var contract = new Dictionary<string, string>
        {
            ["Regions"] = "Code Name Level ParentCode",
            ["Indicators"] = "Code Name NameEn Unit Kind Direction Periodicity",
            ["Targets"] = "Id RegionCode IndicatorCode Kind Comparator Value StartDate Deadline BaselinePeriod Document Clause ResponsibleUnits",
            ["Observations"] = "RegionCode IndicatorCode Period Numerator Denominator Value Revision SourceId RunId LoadedAt",
            ["Scorecard"] = "RegionCode TargetId IndicatorCode AsOf Actual ActualPeriod Expected TargetValue Deadline Baseline Forecast RelativeShortfall Status Stale Inherited",
            ["PullRuns"] = "Id SourceId StartedAt FinishedAt Status RowsReceived RowsLoaded RowsRejected Error",
            ["Rejections"] = "Id RunId SourceId RegionCode Row Reason RejectedAt",
        };
        foreach (var (set, props) in contract)
        {
            var map = EntitySetMaps.Find(set)!;
            foreach (var p in props.Split(' '))
                Assert.True(map.FindProperty(p) is not null, $"{set}.{p} is not mapped");
        }
        // The contract's sets plus the revision history (lineage), the per-region sums and the audit trail (issue 6: the audit administrator's).
        Assert.Equal(contract.Count + 3, EntitySetMaps.All.Count);
        Assert.Equal(["ObservationRevisions", "RegionPeriodSums"], EntitySetMaps.All.Skip(contract.Count).Take(2).Select(m => m.EntitySet));
        Assert.Equal("AuditEvents", EntitySetMaps.All[^1].EntitySet);
    }

    [Fact]
    public void Bad_maps_are_refused()
    {
        var bad = new EntitySetMap("X", "X", "x", ["Id"], [new("Id", EdmPrimitiveTypeKind.String, "id; DROP")]);
        Assert.Throws<ArgumentException>(() => EdmModelBuilder.Build([bad]));
        var noKey = new EntitySetMap("X", "X", "x", ["Nope"], [new("Id", EdmPrimitiveTypeKind.String, "id")]);
        Assert.Throws<ArgumentException>(() => EdmModelBuilder.Build([noKey]));
    }
}
